"""Private files: stored out of every public path (disk or S3), checked on their content,
encrypted at rest where they say something about a person, and served only through one
view that checks access and audits the read (docs/files.md)."""

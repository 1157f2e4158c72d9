from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkspaceConfig(AppConfig):
    name = "voisins.workspace"
    verbose_name = _("Workspace shell")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save
        from django.tasks.signals import task_finished

        # Imported here, once the app registry is loaded (the counts read models).
        from voisins.lists.counts import nav_counts_changed, to_call_message_saved

        # What the kept counts are made of (the navigation's, see selectors.nav_counts, the
        # programme page's and the pause banner's). Bulk updates send no signal:
        # NavCountsMiddleware and the counts' lifetime cover those.
        for label in ("households.FamilyHousehold", "households.VolunteerHousehold",
                      "matches.Proposal", "matches.Match", "matches.CheckIn",
                      "matches.ProgrammePause",
                      "mediation.Case", "mediation.Callback", "programmes.Membership"):
            post_save.connect(nav_counts_changed, sender=label,
                              dispatch_uid=f"nav-counts-save-{label}")
            post_delete.connect(nav_counts_changed, sender=label,
                                dispatch_uid=f"nav-counts-delete-{label}")
        # Messages: only those of the to-call list (a worker sending thousands of e-mails
        # should not make every page count again at each one).
        post_save.connect(to_call_message_saved, sender="messaging.Message",
                          dispatch_uid="nav-counts-save-message")
        task_finished.connect(nav_counts_changed, dispatch_uid="nav-counts-task")

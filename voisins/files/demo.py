"""Files of the demo programme, made by the services from small synthetic files drawn in
code (no binary in the repository): a handout PDF on the first training module
(WeasyPrint), a resource that is a file (a PNG poster, Pillow), and one mediation case
with the photo of a letter attached (Pillow). Idempotent: a second run adds nothing."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from voisins import access
from voisins.accounts.models import User
from voisins.community.services import resource_save
from voisins.matches.models import Match, Notification
from voisins.mediation.models import OpenedBy
from voisins.mediation.services import case_open
from voisins.messaging.models import Message
from voisins.programmes.models import Programme

from . import services
from .models import StoredFile

HANDOUT = """<html><head><style>
@page {{ size: A4; margin: 2cm; }} body {{ font-family: sans-serif; font-size: 11pt; }}
h1 {{ color: #1b5e20; }} li {{ margin: .3em 0; }}</style></head><body>
<h1>{title}</h1><p>{programme} – document remis aux volontaires après la séance.</p>
<h2>Votre rôle</h2><ul><li>Être un voisin : disponible, bienveillant, à l'écoute.</li>
<li>Respecter le rythme et les souhaits de la famille.</li>
<li>Garder pour vous ce que la famille vous confie.</li></ul>
<h2>Vos limites</h2><ul><li>Vous n'êtes ni assistant social, ni interprète, ni avocat.</li>
<li>En cas de difficulté, appelez la coordination : une médiation est possible.</li></ul>
</body></html>"""


def _upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def handout_pdf(title: str, programme: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=HANDOUT.format(title=title, programme=programme)).write_pdf()


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    # DejaVu (WeasyPrint's pango pulls it in on Debian) has the accents; Pillow's own font
    # is the fallback where it is missing.
    try:
        return ImageFont.truetype("DejaVuSans.ttf", size)
    except OSError:
        return ImageFont.load_default(size=size)


def drawing_png(lines: list[str], size: tuple[int, int] = (620, 420)) -> bytes:
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    font = _font(18)
    draw.rectangle([10, 10, size[0] - 10, size[1] - 10], outline="#1b5e20", width=3)
    for number, line in enumerate(lines):
        draw.text((30, 30 + 28 * number), line, fill="black", font=font)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def files_demo(programme: Programme, seed: int = 1) -> None:
    """Add the demo's files to `programme` through the services (once)."""
    if StoredFile.objects.filter(programme=programme).exists():
        return
    coordinator = access.members_allowed(User.objects.all(), programme, "manage_programme",
                                         path="memberships").order_by("pk").first()
    module = programme.training_modules.order_by("position", "pk").first()
    if module is not None:
        services.handout_add(module=module, by=coordinator, upload=_upload(
            "Role-et-limites.pdf", handout_pdf(module.title, programme.name)))
    resource = resource_save(
        programme=programme, kind="material", title="Affiche : devenir voisin solidaire",
        description="L'affiche à imprimer pour la bibliothèque ou le centre culturel.",
        body="Affiche A4 à imprimer (PNG).", languages=["fr"], target_group="volunteers")
    services.resource_file_add(resource=resource, by=coordinator, upload=_upload(
        "affiche-voisins.png", drawing_png([
            programme.name, "", "Devenez voisin solidaire !",
            "Quelques heures par mois, près de chez vous.", "",
            "Parlez-en à la coordination."])))
    match = Match.objects.filter(programme=programme, status__in=Match.LIVE).order_by(
        "pk").first()
    if match is not None:
        _case_with_attachment(programme, match, coordinator)


def _case_with_attachment(programme: Programme, match: Match, coordinator: User | None
                          ) -> None:
    # Opening a case tells the coordinators: a demo's made-up case tells nobody (as the
    # simulated past of voisins.ops.match_demo): its messages go before the commit.
    since = timezone.now()
    with transaction.atomic():
        queued = len(connection.run_on_commit)
        case = case_open(programme=programme, kind="practical", opened_by=OpenedBy.STAFF,
                         by=coordinator, match=match,
                         summary="La famille a reçu un courrier de la commune qu'elle "
                                 "ne comprend pas ; photo jointe.")
        services.case_attachment_add(case=case, by=coordinator, upload=_upload(
            "courrier-commune.png", drawing_png([
                "Administration communale", "", "Madame, Monsieur,",
                "Veuillez vous présenter au service population",
                "muni(e) de votre titre de séjour.", "", "(document de démonstration)"])))
        Notification.objects.filter(created_at__gte=since).delete()
        Message.objects.filter(created_at__gte=since).delete()
        del connection.run_on_commit[queued:]

"""Phone numbers written any way before become E.164; one that cannot be read is kept as
typed in phone_unread, the channel marked "to check" (nothing is lost)."""

from django.db import migrations


def normalise(apps, schema_editor):
    from voisins.phones import InvalidPhone, normalise_phone

    for name in ("FamilyHousehold", "VolunteerHousehold"):
        model = apps.get_model("households", name)
        for row in model.objects.exclude(phone="").select_related("programme").iterator():
            try:
                e164 = normalise_phone(row.phone, row.programme.country)
            except InvalidPhone:
                model.objects.filter(pk=row.pk).update(phone="", phone_unread=row.phone[:60],
                                                       phone_check=True)
                continue
            if e164 != row.phone:
                model.objects.filter(pk=row.pk).update(phone=e164)


def restore(apps, schema_editor):
    for name in ("FamilyHousehold", "VolunteerHousehold"):
        model = apps.get_model("households", name)
        for row in model.objects.exclude(phone_unread="").iterator():
            model.objects.filter(pk=row.pk).update(phone=row.phone_unread[:30])


class Migration(migrations.Migration):
    dependencies = [("households", "0003_channels")]
    operations = [migrations.RunPython(normalise, restore)]

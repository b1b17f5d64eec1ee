"""The seeker profiles (ADR 0006, issue 19): each person's latest current needs registration,
reduced to what the candidate ranking's bound reads; filled here for the existing records (the
services keep it in step from now on, the ``seeker_profiles`` command rebuilds or checks it)."""

import django.db.models.deletion
from django.db import migrations, models


def fill(apps, schema_editor):  # noqa: ANN001, ANN201
    NeedsRecord = apps.get_model("casework", "NeedsRecord")
    SeekerProfile = apps.get_model("casework", "SeekerProfile")
    rows = (
        NeedsRecord.objects.filter(is_current=True)
        .order_by("person_id", "-year")
        .values_list("person_id", "year", "desired_jobs", "hours", "expected_wage")
    )
    batch, last = [], None
    for person_id, year, desired_jobs, hours, wage in rows.iterator(chunk_size=5000):
        if person_id == last:
            continue
        last = person_id
        batch.append(
            SeekerProfile(
                person_id=person_id,
                year=year,
                desired_jobs=desired_jobs,
                hours=hours,
                expected_wage=wage,
            )
        )
        if len(batch) == 5000:
            SeekerProfile.objects.bulk_create(batch)
            batch = []
    SeekerProfile.objects.bulk_create(batch)


class Migration(migrations.Migration):

    dependencies = [
        ('casework', '0004_tally_covering_indexes'),
        ('people', '0006_person_list_indexes'),
    ]

    operations = [
        migrations.CreateModel(
            name='SeekerProfile',
            fields=[
                ('person', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='seeker_profile', serialize=False, to='people.person')),
                ('year', models.PositiveSmallIntegerField()),
                ('desired_jobs', models.CharField(blank=True, max_length=200)),
                ('hours', models.CharField(blank=True, max_length=20)),
                ('expected_wage', models.DecimalField(blank=True, decimal_places=2, max_digits=10, null=True)),
            ],
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]

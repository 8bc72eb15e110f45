"""Every hygiene page opens for the office, and the school-wide pages for a teacher."""

import pytest
from django.urls import reverse

from houqin import factories as f
from houqin.hygiene import services_greening
from houqin.hygiene.models.greening import GreenPlot, Plant
from houqin.hygiene.models.scores import HygieneArea

from .hygiene_support import MON, klass, score, term_of

pytestmark = pytest.mark.django_db


def test_every_page_opens_for_the_director_and_the_school_pages_for_a_teacher(
    client, school, director, teacher, make_member
):
    term = term_of(school)
    inspector = make_member(school, "inspector", username="insp")
    c = klass(school, 7, 1)
    sheet = score(inspector, c, MON, off=[("Floor", 1)])
    area = HygieneArea.objects.create(school=school, term=term, name="一楼走廊", school_class=c)
    plot = GreenPlot.objects.create(
        school=school, name="草坪", company=f.CompanyFactory(school=school)
    )
    plant = Plant.objects.create(school=school, plot=plot, species="香樟", count=3)
    task = services_greening.plan_tasks(by=director, plot=plot, kind="watering", first=MON)[0]
    urls = [
        reverse("hygiene:area_list"),
        reverse("hygiene:area_add"),
        reverse("hygiene:area_detail", args=[area.pk]),
        reverse("hygiene:area_edit", args=[area.pk]),
        reverse("hygiene:item_list"),
        reverse("hygiene:item_add"),
        reverse("hygiene:settings"),
        reverse("hygiene:sheet_list"),
        reverse("hygiene:sheet_detail", args=[sheet.pk]),
        reverse("hygiene:ranking_week"),
        reverse("hygiene:ranking_term"),
        reverse("hygiene:red_flags"),
        reverse("hygiene:plot_list"),
        reverse("hygiene:plot_add"),
        reverse("hygiene:plot_detail", args=[plot.pk]),
        reverse("hygiene:plant_list"),
        reverse("hygiene:plant_add") + f"?plot={plot.pk}",
        reverse("hygiene:plant_edit", args=[plant.pk]),
        reverse("hygiene:task_list"),
        reverse("hygiene:task_plan"),
        reverse("hygiene:task_detail", args=[task.pk]),
        reverse("hygiene:task_log"),
        reverse("hygiene:sheet_list") + "?export=xlsx",
        reverse("hygiene:task_list") + "?export=xlsx",
        reverse("hygiene:area_list") + "?export=xlsx",
        reverse("hygiene:ranking_week") + f"?week={MON}&export=xlsx",
        reverse("hygiene:ranking_term") + "?export=xlsx",
    ]
    client.force_login(director)
    for url in urls:
        assert client.get(url).status_code == 200, url
    client.force_login(inspector)
    assert client.get(reverse("hygiene:inspect") + f"?grade=7&day={MON}").status_code == 200
    client.force_login(teacher)
    for name in ("hygiene:ranking_week", "hygiene:ranking_term", "hygiene:red_flags"):
        assert client.get(reverse(name)).status_code == 200
    for url in (
        reverse("hygiene:settings"),
        reverse("hygiene:inspect"),
        reverse("hygiene:task_plan"),
    ):
        assert client.get(url).status_code == 403, url

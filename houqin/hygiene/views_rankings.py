"""Ranking pages: the week (live for the office, published for everyone else), publishing,
the term totals, the red-flag history, the class-assessment export and the A4 ledgers (the
week's inspection sheets, the term ranking)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _
from django.views import View

from houqin.assets import services_damage
from houqin.assets.models.damage import DamageRecord
from houqin.core.errors import DomainError
from houqin.core.excel import export_response
from houqin.core.views.generic import ScopedViewMixin
from houqin.org.models import GRADE_NAMES, School
from houqin.org.terms import current_term, school_terms

from . import rankings
from . import services_scores as services
from .models.scores import ScoreItem, ScoreSheet, WeekPublication, WeekResult
from .registry_scores import EXPORT, PUBLISH

OFFICE_PERM = "hygiene.view_scoresheet"  # sees live (unpublished) rankings


class RankingMixin(ScopedViewMixin):
    model = WeekResult

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not self.access.is_member:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @property
    def is_office(self) -> bool:
        return self.access.has_perm(OFFICE_PERM)

    def week(self):
        day = parse_date(self.request.GET.get("week") or "")
        if day is None:
            latest = (
                WeekPublication.objects.filter(school_id=self.access.school_id)
                .order_by("-week")
                .first()
            )
            day = timezone.localdate() if self.is_office or latest is None else latest.week
            if self.is_office:
                # Early in a week nothing is scored yet: show the latest week that was.
                scored = (
                    ScoreSheet.objects.filter(school_id=self.access.school_id, week__lte=day)
                    .order_by("-week")
                    .values_list("week", flat=True)
                    .first()
                )
                day = scored or day
        return rankings.week_of(day)

    def term(self):
        terms = school_terms(self.access.school_id)
        wanted = self.request.GET.get("term")
        if wanted and wanted.isdigit():
            for term in terms:
                if term.pk == int(wanted):
                    return term, terms
        return current_term(terms, timezone.localdate()), terms

    def week_ranking(self, week):
        published = rankings.published_week(self.access.school_id, week)
        if published is not None:
            return published
        if self.is_office:
            return rankings.compute_week(self.access.school_id, week)
        return None


def _grade_name(grade):
    return GRADE_NAMES.get(grade, grade)


class WeekRankingView(RankingMixin, View):
    template_name = "hygiene/scores/ranking_week.html"

    def get(self, request):
        week = self.week()
        ranking = self.week_ranking(week)
        if request.GET.get("export") in ("xlsx", "csv") and ranking is not None:
            return self.export(ranking, request.GET["export"])
        context = {
            "title": _("Hygiene ranking of the week"),
            "week": week,
            "week_end": week + timedelta(days=6),
            "ranking": ranking,
            "grades": [(_grade_name(g), rows) for g, rows in ranking.by_grade()] if ranking else [],
            "prev_week": week - timedelta(days=7),
            "next_week": week + timedelta(days=7),
            "may_publish": self.access.has_perm(PUBLISH)
            and ranking is not None
            and not ranking.published,
            "is_office": self.is_office,
            "published_weeks": WeekPublication.objects.filter(
                school_id=self.access.school_id
            ).order_by("-week")[:12],
        }
        return render(request, self.template_name, context)

    def export(self, ranking, fmt):
        headers = [
            _("Grade"),
            _("Class"),
            _("Class teacher"),
            _("Week score"),
            _("Slots inspected"),
            _("Rank in grade"),
            _("Rank in school"),
            _("Red flag"),
            _("Praised"),
            _("Criticised"),
        ]
        rows = [
            [
                _grade_name(r.school_class.grade),
                str(r.school_class),
                str(r.school_class.class_teacher or ""),
                r.score,
                r.slots,
                r.grade_rank,
                r.school_rank,
                r.red_flag,
                r.praised,
                r.criticised,
            ]
            for r in ranking.rows
        ]
        return export_response(f"hygiene-week-{ranking.week:%Y%m%d}", headers, rows, fmt)


class PublishWeekView(RankingMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        week = rankings.week_of(parse_date(request.POST.get("week") or "") or timezone.localdate())
        try:
            services.publish_week(self.access.school_id, week, by=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, _("The ranking of the week of %(week)s is published.") % {"week": week}
            )
        return redirect(reverse("hygiene:ranking_week") + f"?week={week:%Y-%m-%d}")


class TermRankingView(RankingMixin, View):
    template_name = "hygiene/scores/ranking_term.html"

    def get(self, request):
        term, terms = self.term()
        ranking = (
            rankings.compute_term(self.access.school_id, term, published_only=not self.is_office)
            if term
            else None
        )
        fmt = request.GET.get("export")
        if fmt in ("xlsx", "csv") and ranking is not None:
            return export_term(ranking, fmt)
        return render(
            request,
            self.template_name,
            {
                "title": _("Hygiene ranking of the term"),
                "term": term,
                "terms": terms,
                "ranking": ranking,
                "grades": [(_grade_name(g), rows) for g, rows in ranking.by_grade()]
                if ranking
                else [],
                "may_export_assessment": self.access.has_perm(EXPORT),
                "is_office": self.is_office,
            },
        )


def export_term(ranking, fmt):
    headers = [_("Grade"), _("Class"), _("Class teacher")]
    headers += [f"{w:%m-%d}" for w in ranking.weeks]
    headers += [_("Term total"), _("Rank in grade"), _("Rank in school"), _("Red flags")]
    rows = []
    for r in ranking.rows:
        rows.append(
            [
                _grade_name(r.school_class.grade),
                str(r.school_class),
                str(r.school_class.class_teacher or ""),
            ]
            + [w if w is not None else "" for w in r.weeks]
            + [r.total, r.grade_rank, r.school_rank, r.red_flags]
        )
    return export_response(f"hygiene-term-{ranking.term.pk}", headers, rows, fmt)


def assessment_rows(user, school_id, term):
    """班级考核: per class, hygiene term total, ranks, red flags and damage of the term."""
    ranking = rankings.compute_term(school_id, term)
    records = DamageRecord.objects.restrict(user, "view", school=school_id)
    damage = {
        row["school_class"].pk: row
        for row in services_damage.class_totals(records, start=term.start_date, end=term.end_date)
        if row["school_class"] is not None
    }
    rows = []
    for r in ranking.rows:
        d = damage.get(r.school_class.pk, {})
        rows.append(
            {
                "grade": _grade_name(r.school_class.grade),
                "school_class": r.school_class,
                "class_teacher": r.school_class.class_teacher,
                "total": r.total,
                "grade_rank": r.grade_rank,
                "school_rank": r.school_rank,
                "red_flags": r.red_flags,
                "damage_records": d.get("records", 0),
                "damage_assessed": d.get("assessed", 0),
            }
        )
    return rows


class AssessmentExportView(RankingMixin, View):
    def get(self, request):
        if not self.access.has_perm(EXPORT):
            raise PermissionDenied
        term, _terms = self.term()
        if term is None:
            messages.error(request, _("The school has no term yet."))
            return redirect("hygiene:ranking_term")
        headers = [
            _("Grade"),
            _("Class"),
            _("Class teacher"),
            _("Hygiene term total"),
            _("Rank in grade"),
            _("Rank in school"),
            _("Red flags held"),
            _("Damage records"),
            _("Damage assessed (¥)"),
        ]
        rows = [
            [
                r["grade"],
                str(r["school_class"]),
                str(r["class_teacher"] or ""),
                r["total"],
                r["grade_rank"],
                r["school_rank"],
                r["red_flags"],
                r["damage_records"],
                r["damage_assessed"],
            ]
            for r in assessment_rows(request.user, self.access.school_id, term)
        ]
        return export_response(
            f"class-assessment-hygiene-{term.name}",
            headers,
            rows,
            request.GET.get("format", "xlsx"),
        )


class RedFlagHistoryView(RankingMixin, View):
    template_name = "hygiene/scores/red_flags.html"

    def get(self, request):
        term, terms = self.term()
        results = WeekResult.objects.filter(
            school_id=self.access.school_id, red_flag=True
        ).select_related("school_class__class_teacher")
        if term is not None:
            results = results.filter(
                week__gte=rankings.week_of(term.start_date), week__lte=term.end_date
            )
        by_class = {}
        for r in results.order_by("school_class__grade", "school_class__number", "week"):
            entry = by_class.setdefault(r.school_class_id, {"klass": r.school_class, "weeks": []})
            entry["weeks"].append(r.week)
        rows = sorted(
            by_class.values(), key=lambda e: (-len(e["weeks"]), e["klass"].grade, e["klass"].number)
        )
        return render(
            request,
            self.template_name,
            {"title": _("Red flag holders"), "rows": rows, "term": term, "terms": terms},
        )


# ---------------------------------------------------------------- A4 ledgers


class WeekSheetsPrintView(RankingMixin, View):
    """The week's inspection ledger: one row per sheet, one column per item, signatures."""

    template_name = "hygiene/print/week_sheets.html"

    def get(self, request):
        if not self.is_office:
            raise PermissionDenied
        week = self.week()
        school_id = self.access.school_id
        sheets = (
            ScoreSheet.objects.filter(school_id=school_id, week=week)
            .select_related("school_class", "inspector")
            .prefetch_related("deductions")
            .order_by("school_class__grade", "school_class__number", "inspected_on", "pk")
        )
        grade = request.GET.get("grade")
        if grade and grade.isdigit():
            sheets = sheets.filter(school_class__grade=int(grade))
        sheets = list(sheets)
        used = {d.item_id for sheet in sheets for d in sheet.deductions.all()}
        items_shown = [
            i
            for i in ScoreItem.objects.filter(school_id=school_id).order_by("order", "pk")
            if i.is_active or i.pk in used
        ]
        rows = []
        for sheet in sheets:
            points = {d.item_id: d for d in sheet.deductions.all()}
            rows.append({"sheet": sheet, "cells": [points.get(i.pk) for i in items_shown]})
        return render(
            request,
            self.template_name,
            {
                "title": _("Hygiene inspection ledger"),
                "school": School.objects.get(pk=school_id),
                "week": week,
                "week_end": week + timedelta(days=6),
                "items": items_shown,
                "rows": rows,
                "grade_name": _grade_name(int(grade)) if grade and grade.isdigit() else "",
                "back_url": reverse("hygiene:ranking_week") + f"?week={week:%Y-%m-%d}",
                "printed_at": timezone.now(),
            },
        )


class TermRankingPrintView(RankingMixin, View):
    template_name = "hygiene/print/term_ranking.html"

    def get(self, request):
        term, _terms = self.term()
        if term is None:
            raise PermissionDenied
        ranking = rankings.compute_term(
            self.access.school_id, term, published_only=not self.is_office
        )
        return render(
            request,
            self.template_name,
            {
                "title": _("Hygiene ranking of the term"),
                "school": School.objects.get(pk=self.access.school_id),
                "term": term,
                "ranking": ranking,
                "grades": [(_grade_name(g), rows) for g, rows in ranking.by_grade()],
                "back_url": reverse("hygiene:ranking_term") + f"?term={term.pk}",
                "printed_at": timezone.now(),
            },
        )

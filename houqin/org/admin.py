from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from . import models


@admin.register(models.User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "full_name", "phone", "current_school", "is_active", "is_superuser")
    search_fields = ("username", "full_name", "phone")
    fieldsets = BaseUserAdmin.fieldsets + (("Houqin", {"fields": ("full_name", "phone", "current_school")}),)


class RoleInline(admin.TabularInline):
    model = models.RoleAssignment
    extra = 0


@admin.register(models.Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ("user", "school", "employee_no", "department", "is_active")
    list_filter = ("school", "is_active")
    search_fields = ("user__full_name", "user__username", "employee_no")
    raw_id_fields = ("user",)
    inlines = [RoleInline]


@admin.register(models.School)
class SchoolAdmin(SimpleHistoryAdmin):
    list_display = ("name", "code", "district", "is_active")


for model in (
    models.District, models.AcademicYear, models.Term, models.Holiday, models.Campus,
    models.Building, models.Floor, models.Room, models.Department, models.SchoolClass, models.Company,
):
    admin.site.register(model, SimpleHistoryAdmin)

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from . import models


class ApprovalStepInline(admin.TabularInline):
    model = models.ApprovalStep
    extra = 0


@admin.register(models.ApprovalPolicy)
class ApprovalPolicyAdmin(SimpleHistoryAdmin):
    list_display = ("school", "doc_type", "name", "is_active")
    list_filter = ("school", "doc_type", "is_active")
    inlines = [ApprovalStepInline]


@admin.register(models.Delegation)
class DelegationAdmin(SimpleHistoryAdmin):
    list_display = ("school", "from_user", "to_user", "start_date", "end_date")


@admin.register(models.SchoolChannel)
class SchoolChannelAdmin(admin.ModelAdmin):
    list_display = ("school", "kind", "is_active")
    list_filter = ("kind", "is_active")


@admin.register(models.Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("school", "recipient", "title", "created_at", "read_at")
    list_filter = ("school",)
    raw_id_fields = ("recipient",)


@admin.register(models.Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("notification", "status", "attempts", "next_attempt_at")
    list_filter = ("status",)


@admin.register(models.JobRun)
class JobRunAdmin(admin.ModelAdmin):
    list_display = ("key", "slot")

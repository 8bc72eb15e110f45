"""URLs of the timeline, attachments, change history, notifications and the school's
notification channels (no namespace)."""

from django.urls import path

from .views import channels, history, notifications, timeline

urlpatterns = [
    path(
        "timeline/<str:app_label>/<str:model>/<int:pk>/",
        timeline.timeline_panel,
        name="timeline_panel",
    ),
    path(
        "timeline/<str:app_label>/<str:model>/<int:pk>/comment/",
        timeline.timeline_comment,
        name="timeline_comment",
    ),
    path("attachments/<int:pk>/", timeline.attachment_download, name="attachment_download"),
    path(
        "attachments/<int:pk>/thumbnail/",
        timeline.attachment_thumbnail,
        name="attachment_thumbnail",
    ),
    path(
        "history/<str:app_label>/<str:model>/<int:pk>/",
        history.object_history,
        name="object_history",
    ),
    path("notifications/", notifications.notification_list, name="notification_list"),
    path("notifications/<int:pk>/read/", notifications.notification_read, name="notification_read"),
    path(
        "notifications/read-all/", notifications.notification_read_all, name="notification_read_all"
    ),
    path(
        "notifications/preferences/",
        notifications.notification_preferences,
        name="notification_preferences",
    ),
    path("notifications/channels/", channels.ChannelListView.as_view(), name="channel_list"),
    path("notifications/channels/add/", channels.ChannelEditView.as_view(), name="channel_add"),
    path(
        "notifications/channels/<int:pk>/edit/",
        channels.ChannelEditView.as_view(),
        name="channel_edit",
    ),
    path(
        "notifications/channels/<int:pk>/delete/",
        channels.ChannelDeleteView.as_view(),
        name="channel_delete",
    ),
    path(
        "notifications/channels/<int:pk>/test/",
        channels.ChannelTestView.as_view(),
        name="channel_test",
    ),
]

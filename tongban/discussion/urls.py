from django.urls import path

from . import views

app_name = "discussion"
urlpatterns = [
    path("", views.space_list, name="space_list"),
    path("spaces/<int:pk>/", views.space_detail, name="space_detail"),
    path("spaces/<int:pk>/new/", views.topic_create, name="topic_create"),
    path("spaces/<int:pk>/moderators/", views.space_moderators, name="space_moderators"),
    path("search/", views.search, name="search"),
    path("topics/<int:pk>/", views.topic_detail, name="topic_detail"),
    path("topics/<int:pk>/messages/", views.topic_new_messages, name="topic_new_messages"),
    path("topics/<int:pk>/reply/", views.topic_reply, name="topic_reply"),
    path("topics/<int:pk>/answered/", views.topic_answered, name="topic_answered"),
    path("topics/<int:pk>/mute/", views.topic_mute, name="topic_mute"),
    path("messages/<int:pk>/edit/", views.message_edit, name="message_edit"),
    path("messages/<int:pk>/withdraw/", views.message_withdraw, name="message_withdraw"),
    path("messages/<int:pk>/hide/", views.message_hide, name="message_hide"),
    path("moderation/", views.moderation_log, name="moderation_log"),
]

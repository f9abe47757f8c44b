from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.account_list, name="account_list"),
    path("new/", views.account_create, name="account_create"),
    path("<int:pk>/", views.account_detail, name="account_detail"),
    path("<int:pk>/active/", views.account_set_active, name="account_set_active"),
    path("<int:pk>/password/", views.account_password, name="account_password"),
]

from django.urls import path

from plans import views

app_name = "plans"
urlpatterns = [
    path("members/", views.member_list, name="members"),
    path("members/<slug:slug>/", views.member_detail, name="member"),
    path("plans/", views.plan_list, name="plans"),
    path("plans/<slug:slug>/", views.plan_detail, name="plan"),
    path("institutions/", views.institution_list, name="institutions"),
    path("institutions/<slug:slug>/", views.institution_detail, name="institution"),
    path("secretariat/", views.forum_list, name="forums"),
    path("secretariat/<slug:slug>/", views.forum_detail, name="forum"),
]

"""Pages: food-safety records: samples, morning checks, accompanied meals, goods, disinfection, certificates."""

from django.urls import path

from . import views_ledgers as ledgers
from . import views_records as v
from . import views_today as today

urlpatterns = [
    path("", today.today, name="today"),
    path("settings/", today.settings_page, name="settings"),
    path("meals/", v.MealListView.as_view(), name="meal_list"),
    path("meals/add/", today.meal_add, name="meal_add"),
    path("meals/<int:pk>/", v.meal_detail, name="meal_detail"),
    path("meals/<int:pk>/samples/", today.meal_samples, name="meal_samples"),
    path("meals/<int:pk>/disinfection/", today.meal_disinfection, name="meal_disinfection"),
    path("meals/<int:pk>/accompany/", today.meal_accompany, name="meal_accompany"),
    path("dishes/", v.DishListView.as_view(), name="dish_list"),
    path("dishes/add/", v.DishEditView.as_view(), name="dish_add"),
    path("dishes/<int:pk>/edit/", v.DishEditView.as_view(), name="dish_edit"),
    path("samples/", v.FoodSampleListView.as_view(), name="sample_list"),
    path("samples/<int:pk>/dispose/", today.sample_dispose, name="sample_dispose"),
    path("disinfections/", v.DisinfectionListView.as_view(), name="disinfection_list"),
    path("accompanied/", v.AccompaniedMealListView.as_view(), name="accompanied_list"),
    path("handlers/", v.FoodHandlerListView.as_view(), name="handler_list"),
    path("handlers/add/", v.FoodHandlerEditView.as_view(), name="handler_add"),
    path("handlers/<int:pk>/", v.FoodHandlerDetailView.as_view(), name="handler_detail"),
    path("handlers/<int:pk>/edit/", v.FoodHandlerEditView.as_view(), name="handler_edit"),
    path("certificates/", v.CertificateListView.as_view(), name="certificate_list"),
    path("checks/", today.checks, name="checks"),
    path("checks/all/", v.MorningCheckListView.as_view(), name="check_list"),
    path("duty/", v.DutyRecordListView.as_view(), name="duty_list"),
    path("duty/add/", today.duty_add, name="duty_add"),
    path("duty/<int:pk>/withdraw/", today.duty_withdraw, name="duty_withdraw"),
    path("goods/", v.GoodsCheckListView.as_view(), name="goods_list"),
    path("goods/add/", v.GoodsCheckAddView.as_view(), name="goods_add"),
    path("goods/<int:pk>/", v.GoodsCheckDetailView.as_view(), name="goods_detail"),
    path("licences/", v.SupplierLicenceListView.as_view(), name="licence_list"),
    path("licences/add/", v.SupplierLicenceEditView.as_view(), name="licence_add"),
    path("licences/<int:pk>/", v.SupplierLicenceDetailView.as_view(), name="licence_detail"),
    path("licences/<int:pk>/edit/", v.SupplierLicenceEditView.as_view(), name="licence_edit"),
    path("ledgers/", ledgers.ledgers, name="ledgers"),
    *[
        path(f"ledgers/{kind}/", ledgers.ledger_view(kind), name=f"ledger_{kind}")
        for kind in ledgers.LEDGERS
    ],
]

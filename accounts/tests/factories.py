import factory

from accounts.models import Role, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.CUSTOMER
    password = factory.PostGenerationMethodCall("set_password", "pw-for-tests-1")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class CustomerFactory(UserFactory):
    username = factory.Sequence(lambda n: f"khach{n}")
    customer_code = factory.Sequence(lambda n: f"T{n:04d}")


class ChinaStaffFactory(UserFactory):
    username = factory.Sequence(lambda n: f"khotq{n}")
    role = Role.CHINA_STAFF
    warehouse = factory.SubFactory("warehouse.tests.factories.ChinaWarehouseFactory")


class VietnamStaffFactory(UserFactory):
    username = factory.Sequence(lambda n: f"khovn{n}")
    role = Role.VIETNAM_STAFF
    warehouse = factory.SubFactory("warehouse.tests.factories.VietnamDepotFactory")


class OperationsFactory(UserFactory):
    username = factory.Sequence(lambda n: f"ops{n}")
    role = Role.OPERATIONS
    is_staff = True
    is_superuser = True

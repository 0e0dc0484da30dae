from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class UserWithWarehouseBackend(ModelBackend):
    """The signed-in user comes with the warehouse they work at, in the one query every request makes."""

    def get_user(self, user_id):
        user = get_user_model()._default_manager.select_related("warehouse").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None

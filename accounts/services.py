import secrets

from django.db import IntegrityError, transaction

from .models import CUSTOMER_CODE_DIGITS, CUSTOMER_CODE_LETTERS, Role, User


def customer_code_generate() -> str:
    """Two letters and three digits, e.g. `YW510` without ambiguous characters: `YW532`."""
    letters = "".join(secrets.choice(CUSTOMER_CODE_LETTERS) for _ in range(2))
    digits = "".join(secrets.choice(CUSTOMER_CODE_DIGITS) for _ in range(3))
    return letters + digits


@transaction.atomic
def customer_sign_up(
    *, username: str, password: str, email: str = "", phone: str = "", first_name: str = ""
) -> User:
    """Create a customer with a fresh customer code. The unique constraint settles collisions."""
    for _attempt in range(20):
        try:
            with transaction.atomic():
                user = User(
                    username=username,
                    email=email,
                    phone=phone,
                    first_name=first_name,
                    role=Role.CUSTOMER,
                    customer_code=customer_code_generate(),
                )
                user.set_password(password)
                user.save()
                return user
        except IntegrityError:
            if User.objects.filter(username__iexact=username).exists():
                raise
            continue
    raise RuntimeError("Could not find a free customer code after 20 attempts")


def user_profile_update(*, user: User, first_name: str, email: str, phone: str, language: str) -> User:
    """Save what a person may change about themselves (ProfileForm has checked and normalised it)."""
    user.first_name, user.email, user.phone, user.language = first_name, email, phone, language
    user.save(update_fields=["first_name", "email", "phone", "language"])
    return user


def user_log_out_everywhere(*, user: User) -> None:
    """A new session salt: every session made before it fails its hash check at its next request
    (django.contrib.auth.get_user reads the user from the database each request, so cached sessions too)."""
    user.session_salt = secrets.token_urlsafe(16)
    User.objects.filter(pk=user.pk).update(session_salt=user.session_salt)

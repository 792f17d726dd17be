from django.utils.functional import SimpleLazyObject

from .models import ShopProfile


def shop_profile_middleware(get_response):
    """request.shop: the shop profile, read at most once per request and only if used."""

    def middleware(request):
        request.shop = SimpleLazyObject(ShopProfile.load)
        return get_response(request)

    return middleware

from .models import ShopProfile


def shop(request):
    """Expose the shop profile to every template (company name in headers)."""
    return {"shop": getattr(request, "shop", None) or ShopProfile.load()}

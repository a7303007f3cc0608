def settings_page(request): pass

"""The screens, one module each (the room's tabs in ``room/``).

A screen that opens another imports it: the imports run down from the login to the
forms, and none of them leads back up to the app (``base.Host`` is how they see it).
"""

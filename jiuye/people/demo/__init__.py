"""The registry's demo data: synthetic persons (``synthetic``) and their writing (``persons``),
run first by ``manage.py demo_data``; the apps that build on the registry register their seeders
in their own ``demo.py`` (:mod:`jiuye.core.demo`)."""

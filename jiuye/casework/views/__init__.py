"""Casework pages, one module per area: records (verification, needs, services, the
hard-to-employ survey), worklist (the town worklist and the coverage dashboard), campaigns
(campaigns and public-welfare posts)."""

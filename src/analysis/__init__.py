"""Impact evaluation of business networks (Redes Empresariales): APOMIPE-MINKA, Laredo."""

__version__ = "0.1.0"

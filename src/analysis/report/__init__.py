"""Reports: numbering, charts, tables, text, rendering to HTML/PDF, the build and the factsheets."""

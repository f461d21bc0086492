"""The public delivery map: a folium shell in the site's layout and cached JSON data."""

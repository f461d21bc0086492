"""Shipments: recording, legs, status changes and receipts."""

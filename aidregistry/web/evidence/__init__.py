"""Evidence of quality on the site: certificates' labels, manufacturers' pages, attachments."""

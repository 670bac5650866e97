"""The weekly uploads report: content, files, links and notification, the same on both clouds."""

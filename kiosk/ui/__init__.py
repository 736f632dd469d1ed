"""Drawing with pygame: widgets, text, images, videos, gestures and the theme that every screen
shares."""

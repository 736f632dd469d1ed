"""Fault injection: a full or read-only disk, hostile and oversized inputs, processes killed
with -9, devices gone mid-read. Each case says what the kiosk must do and checks that nothing a
shopper was promised is lost."""

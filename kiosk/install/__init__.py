"""Tools for installers: what the camera reads, what the devices see, which devices are
there, and the camera's calibration."""

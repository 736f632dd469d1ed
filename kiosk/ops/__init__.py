"""Running for months: health and the status file, logs, problems for staff, SQLite files that
survive faults, signals, memory."""

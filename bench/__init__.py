"""Benchmarks of sunogen and suno_clients against their peers, run by `make bench` (bench/run.py); never timed tests."""

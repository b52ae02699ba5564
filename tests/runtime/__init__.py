"""Tests of the hand-written runtime (generator/sunogen/runtime) against fake vendors, never the network."""

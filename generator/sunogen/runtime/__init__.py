"""The hand-written runtime shared by every generated vendor module; importing it imports nothing else."""

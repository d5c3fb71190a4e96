"""The training corpus of the diagnosis model: seed programs, fault mutation, kill-tested labels, dataset."""

"""Operating-system mechanisms that keep a user's files and processes in order; nothing here
knows the world, so nothing here is part of the causal hash.

* :mod:`sim.system.children`: every process pool of the package, whose children die with
  their parent (even one killed with SIGKILL) and leave Ctrl-C to it.
* :mod:`sim.system.outputs`: output written atomically (a folder or a file: built beside its
  place, renamed into it when complete), leftovers of killed writers recognised and removed,
  one writer at a time (a lock file), output folders the kernel owns refused.
"""

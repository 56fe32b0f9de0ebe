"""The machinery that runs tasks: planning, worker processes and Dask, progress.

- :mod:`.planning`: CPUs, worker processes and threads, what a resumed run keeps;
- :mod:`.tasks`: what a worker runs, one seed of a protocol returned as an artifact;
- :mod:`.seeds`: the seeds of one figure in worker processes;
- :mod:`.executors`: local worker processes and Dask clusters;
- :mod:`.sweep`: a figure over a grid of configurations;
- :mod:`.progress`: progress bars.

The workers only compute; the process that runs the command writes every
artifact, atomically.
"""

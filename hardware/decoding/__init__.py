"""Decoding a camera frame as a pipeline of stages: camera frame in, product codes with their
position and angle out (``pipeline.Decoder``).

1. ``whole_frame``: zxing-cpp reads the whole frame, the most accurate decoder we have; it
   reads matrix codes at any angle but misses 1D codes tilted by roughly 20-70 degrees. Small
   images get one pass with every option; camera frames (720p and up) lighter passes, timed
   each on its own; a quick first look (``decode(quick=True)``) one pass in every direction.
2. ``located``: OpenCV's barcode locator finds 1D codes at any angle (in a second thread with
   ``workers=2``); a tilted read inside a box is fitted to it, a tilted UPC-E read is checked
   against the box straightened, and boxes nothing was read in are decoded (``boxed_read``:
   zxing-cpp on the straightened crop, with zbar as the ``second_opinion``, whose reads alone
   stand only with their check digit and quiet zones).
3. ``settled``: 1D codes read on a few scan lines that no box holds get a box at the angle of
   their bars, and are read again there when that angle is a tilt.
4. ``edge_check``: EAN-13, UPC-A and EAN-8 reads that their own bars deny, measured edge to
   similar edge (immune to ink spread), are dropped.

OpenCV's own decoded values are never used (it misreads Code 128 as EAN-13). Each stage is one
module with one interface (``stage.Stage``); the decoder times each (``bench.scan``).
"""

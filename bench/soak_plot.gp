# The soak's samples (bench/soak_driver.py's CSV) as one PNG: the server's resident
# memory with malloc's in-use bytes and the cache levels' bytes, its open descriptors
# and its threads, against minutes.
# Usage: gnuplot -e "csv='soak_samples.csv'; png='soak.png'" bench/soak_plot.gp
set datafile separator ","
set terminal pngcairo size 1100,900 font ",10"
set output png
set key autotitle columnhead bottom right
set offsets graph 0, 0, 0.15, 0
set grid
set xlabel "minutes"
set multiplot layout 3,1 title "chunkls soak: 50 open documents, random edits and requests, live indexer"
set ylabel "MiB"
set yrange [0:*]
plot csv using ($1/60):($2/1024) with lines lw 2 title "RSS", \
     csv using ($1/60):($5/1024) with lines title "malloc in use (main arena)", \
     csv using ($1/60):($6/1024) with lines title "cache levels"
set ylabel "open descriptors"
set yrange [0:*]
plot csv using ($1/60):3 with lines lw 2 title "fds"
set ylabel "threads"
set yrange [0:*]
plot csv using ($1/60):4 with lines lw 2 title "threads"
unset multiplot

#!/bin/bash
for f in $(ls *.txt); do
  echo $f
done
cd /tmp
if [ $MODE == 1 ]; then echo yes; fi

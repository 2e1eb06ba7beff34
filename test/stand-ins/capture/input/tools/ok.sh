#!/bin/sh
set -eu
echo "ok"

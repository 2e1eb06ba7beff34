#!/bin/bash
if then

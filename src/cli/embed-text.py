#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# embed-text.py INPUT OUTPUT NAME: write a C header holding INPUT's text as
#   static const char NAME[] = "...";
# so data files (oci/config.json) are compiled into the binary and reviewed as data.
import sys

src, out, name = sys.argv[1:4]
with open(src, encoding='utf-8') as f:
    text = f.read()
lines = ['/* Generated from %s by embed-text.py; do not edit. */' % src.split('/')[-1],
         'static const char %s[] =' % name]
for line in text.splitlines(keepends=True):
    esc = line.replace('\\', '\\\\').replace('"', '\\"').replace('\t', '\\t').replace('\n', '\\n')
    lines.append('        "%s"' % esc)
lines[-1] += ';'
with open(out, 'w', encoding='utf-8') as f:
    f.write('\n'.join(lines) + '\n')

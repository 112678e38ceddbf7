// Preload (`node -r ./tools/bench/max-rss.js ...`, or through NODE_OPTIONS): at exit, appends
// "<pid> <peak RSS in KiB> <user CPU µs> <system CPU µs>" to the file named by BENCH_MAX_RSS_FILE. Plain JavaScript, so the floor
// process (which must load nothing but @pulumi/pulumi and @pulumi/aws) needs no ts-node to use it.
"use strict";
const fs = require("fs");

const file = process.env.BENCH_MAX_RSS_FILE;
if (file) {
    process.on("exit", () => {
        try {
            const usage = process.resourceUsage();
            fs.appendFileSync(file, `${process.pid} ${usage.maxRSS} ${usage.userCPUTime} ${usage.systemCPUTime}\n`);
        } catch {
            // Measuring must never change the measured process's outcome.
        }
    });
}

module isvcpolicy/bench/pace

go 1.19

//go:build !unix

package runner

import "time"

// processCPU is unknown here: the benchmarks report no cpu/wall.
func processCPU() time.Duration { return 0 }

//go:build !purego && !linux

package linalg

// amxRequestPerm: other systems get the VNNI path.
func amxRequestPerm() bool { return false }

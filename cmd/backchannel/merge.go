package main

import "errors"

func (c *cli) mergeCmd(args []string) error { return errors.New("not implemented") }

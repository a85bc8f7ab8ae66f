module github.com/qinfer/qinfer/linalg/_genq

go 1.26

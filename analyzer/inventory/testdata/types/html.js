<!DOCTYPE html>
<html><head><title>x</title></head><body></body></html>

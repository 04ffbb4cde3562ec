config interface 'lan'
	option proto 'static'
	option ipaddr '192.168.1.1'

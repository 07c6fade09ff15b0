+1 ²
/digest 0001-W01
/queue

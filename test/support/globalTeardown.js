module.exports = () => require("./shares").tearDown();
